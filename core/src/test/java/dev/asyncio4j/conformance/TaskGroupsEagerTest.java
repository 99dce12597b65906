/*
 * TaskGroupsTest again with eager tasks: CPython's test_taskgroups.py runs every TaskGroup test both
 * with the default task factory (TestTaskGroup) and with asyncio.eager_task_factory
 * (TestEagerTaskTaskGroup); this is the second run, on a loop with EventLoop.setEagerTasks(true).
 */
package dev.asyncio4j.conformance;

class TaskGroupsEagerTest extends TaskGroupsTest {
    @Override
    boolean eagerTasks() {
        return true;
    }
}

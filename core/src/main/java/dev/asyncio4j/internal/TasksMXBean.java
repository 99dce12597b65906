package dev.asyncio4j.internal;

/**
 * The JMX view of asyncio4j's loops, registered as {@code dev.asyncio4j:type=Tasks}: open it in
 * jconsole or JDK Mission Control (MBeans tab) to see every live task of a running program.
 */
public interface TasksMXBean {
    /**
     * Returns the task tree of every open loop of the JVM (see {@code TaskDump.format()}).
     *
     * @return one section per loop
     */
    String dumpTasks();

    /**
     * Returns how many loops are open.
     *
     * @return the number of loops created and not yet closed
     */
    int getOpenLoops();
}

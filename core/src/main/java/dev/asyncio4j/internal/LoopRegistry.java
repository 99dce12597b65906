package dev.asyncio4j.internal;

import dev.asyncio4j.TaskDump;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/*
 * Implementation overview: every loop registers itself (weakly) when created and unregisters when
 * closed. The first registration starts a virtual thread that registers this MBean with the
 * platform MBean server (its start-up costs tens of milliseconds, which no loop should wait for);
 * -Dasyncio4j.jmx=false turns that off. A dump asks each running loop to take its own snapshot
 * (callSoonThreadsafe) and waits up to two seconds; a loop that does not answer, because a step is
 * blocking it, which is when a dump matters most, is read directly and marked as a best-effort read.
 * It is a DynamicMBean, so JMX needs no reflective access to this (unexported) package.
 */

/** The JVM's open loops, for the task-dump MBean. */
final class LoopRegistry implements DynamicMBean {
    private static final Map<DefaultEventLoop, Boolean> LOOPS = Collections.synchronizedMap(new WeakHashMap<>());
    private static volatile boolean mbeanRequested;

    private LoopRegistry() {
    }

    static void add(DefaultEventLoop loop) {
        LOOPS.put(loop, Boolean.TRUE);
        if (!mbeanRequested) {
            registerMBean();
        }
    }

    static void remove(DefaultEventLoop loop) {
        LOOPS.remove(loop);
    }

    private static synchronized void registerMBean() {
        if (mbeanRequested) {
            return;
        }
        mbeanRequested = true;
        if (!Boolean.parseBoolean(System.getProperty("asyncio4j.jmx", "true"))) {
            return;
        }
        Thread.ofVirtual().name("asyncio4j-jmx-registration").start(() -> {
            try {
                ManagementFactory.getPlatformMBeanServer()
                        .registerMBean(new LoopRegistry(), new ObjectName("dev.asyncio4j:type=Tasks"));
            } catch (Exception | LinkageError e) {
                System.getLogger("dev.asyncio4j").log(System.Logger.Level.DEBUG, "task-dump MBean not registered", e);
            }
        });
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return new MBeanInfo(LoopRegistry.class.getName(),
                "asyncio4j event loops: dumpTasks() shows every open loop's task tree",
                new MBeanAttributeInfo[] {
                    new MBeanAttributeInfo("OpenLoops", "int", "loops created and not yet closed", true, false, false)
                },
                null,
                new MBeanOperationInfo[] {
                    new MBeanOperationInfo("dumpTasks", "the task tree of every open loop: who awaits whom, with stacks",
                            new MBeanParameterInfo[0], "java.lang.String", MBeanOperationInfo.INFO)
                },
                null);
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        if (attribute.equals("OpenLoops")) {
            return LOOPS.size();
        }
        throw new AttributeNotFoundException("no attribute " + attribute + "; the only one is OpenLoops");
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("attributes of dev.asyncio4j:type=Tasks are read-only");
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            if (a.equals("OpenLoops")) {
                list.add(new Attribute(a, LOOPS.size()));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        if (actionName.equals("dumpTasks") && (params == null || params.length == 0)) {
            return dumpTasks();
        }
        throw new ReflectionException(new NoSuchMethodException(actionName),
                "no operation " + actionName + "; the only one is dumpTasks()");
    }

    static String dumpTasks() {
        List<DefaultEventLoop> loops;
        synchronized (LOOPS) {
            loops = new ArrayList<>(LOOPS.keySet());
        }
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (DefaultEventLoop loop : loops) {
            out.append("Loop ").append(++n).append(' ').append(loop).append('\n');
            out.append(snapshot(loop));
        }
        return out.length() == 0 ? "no open asyncio4j event loops\n" : out.toString();
    }

    private static String snapshot(DefaultEventLoop loop) {
        if (loop.isRunning()) {
            CompletableFuture<String> text = new CompletableFuture<>();
            loop.callSoonThreadsafeIfOpen(() -> text.complete(TaskDump.of(loop).format()));
            try {
                return text.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the loop is blocked: fall through to a direct read
            }
            try {
                return "(the loop did not answer within 2 s: best-effort read while a step holds it)\n"
                        + TaskDump.of(loop).format();
            } catch (RuntimeException e) {
                return "(the loop is busy and its tasks could not be read: " + e + ")\n";
            }
        }
        return TaskDump.of(loop).format();
    }
}

/**
 * The JMH micro-benchmarks of asyncio4j, one class per peer workload or family ({@code switch}, {@code spawn}; {@code pingpong}, {@code semaphore}, {@code lock} in {@code SyncBenchmark}),
 * shaded with JMH into {@code bench/target/benchmarks.jar}: {@code java -jar bench/target/benchmarks.jar -h}.
 * The build compiles them and never runs them.
 */
package dev.asyncio4j.bench.jmh;

/**
 * The JMH micro-benchmarks of asyncio4j, one class per peer workload ({@code switch}, {@code spawn}),
 * shaded with JMH into {@code bench/target/benchmarks.jar}: {@code java -jar bench/target/benchmarks.jar -h}.
 * The build compiles them and never runs them.
 */
package dev.asyncio4j.bench.jmh;

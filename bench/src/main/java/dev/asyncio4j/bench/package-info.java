/**
 * The asyncio4j benchmarks that compare with other systems: {@link dev.asyncio4j.bench.Workloads} runs the
 * workloads of {@code ../shared/peers} under the same names, sizes and definitions and prints the peers'
 * JSON lines, and {@link dev.asyncio4j.bench.Summary} turns such lines into a table of medians.
 * {@code scripts/bench} runs both against CPython asyncio and uvloop. The JMH micro-benchmarks are in
 * {@code dev.asyncio4j.bench.jmh}.
 */
package dev.asyncio4j.bench;

/**
 * Test support shipped with the library: event loops on virtual time ({@link
 * dev.asyncio4j.testing.VirtualTime}), so that tests of timeouts, retries and schedules run instantly
 * and deterministically.
 */
package dev.asyncio4j.testing;

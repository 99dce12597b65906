/**
 * asyncio4j core: Python's asyncio programming model on the JVM. Exports the API ({@code dev.asyncio4j})
 * and the test kit ({@code dev.asyncio4j.testing}); the engine ({@code dev.asyncio4j.internal}) is not
 * exported.
 */
module dev.asyncio4j {
    requires java.management;

    exports dev.asyncio4j;
    exports dev.asyncio4j.testing;
}

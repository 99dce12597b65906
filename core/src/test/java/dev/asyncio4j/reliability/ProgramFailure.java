package dev.asyncio4j.reliability;

/** The failure a {@link Op.Fail} statement throws; carries no stack trace, as it is expected. */
final class ProgramFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProgramFailure() {
        super("a Fail statement of the program", null, false, false);
    }
}

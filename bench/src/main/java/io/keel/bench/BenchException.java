package io.keel.bench;

/**
 * The one unchecked exception of the benchmark tool. Its message is shown to the person running the tool as is,
 * so it says what was attempted, what came back and what to do about it.
 */
public class BenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}

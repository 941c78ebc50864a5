package dev.pgcdc.stream;

/** The slot cannot be streamed from any more (lost or dropped): retrying cannot help, an operator must act. */
public final class SlotUnusableException extends RuntimeException {

    public SlotUnusableException(String message) {
        super(message);
    }
}

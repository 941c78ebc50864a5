package dev.pgcdc.stream;

/**
 * The slot cannot be streamed from (lost or dropped, or its plugin refuses our options): retrying cannot help, an
 * operator must act.
 */
public final class SlotUnusableException extends RuntimeException {

    public SlotUnusableException(String message) {
        super(message);
    }
}

package dev.pgcdc.decode;

/** The pgoutput message type bytes (PostgreSQL "Logical Replication Message Formats"). */
public final class MessageType {

    public static final char BEGIN = 'B';
    public static final char COMMIT = 'C';
    public static final char ORIGIN = 'O';
    public static final char RELATION = 'R';
    public static final char TYPE = 'Y';
    public static final char INSERT = 'I';
    public static final char UPDATE = 'U';
    public static final char DELETE = 'D';
    public static final char TRUNCATE = 'T';
    public static final char MESSAGE = 'M';
    /** Protocol version 2+ with {@code streaming on}: blocks of an in-progress transaction. */
    public static final char STREAM_START = 'S';
    public static final char STREAM_STOP = 'E';
    public static final char STREAM_COMMIT = 'c';
    public static final char STREAM_ABORT = 'A';

    /** Sub-message markers inside Insert, Update and Delete. */
    public static final char NEW_TUPLE = 'N';
    public static final char OLD_KEY = 'K';
    public static final char OLD_TUPLE = 'O';

    private MessageType() {
    }

    static String describe(char type) {
        switch (type) {
            case BEGIN: return "Begin ('B')";
            case COMMIT: return "Commit ('C')";
            case ORIGIN: return "Origin ('O')";
            case RELATION: return "Relation ('R')";
            case TYPE: return "Type ('Y')";
            case INSERT: return "Insert ('I')";
            case UPDATE: return "Update ('U')";
            case DELETE: return "Delete ('D')";
            case TRUNCATE: return "Truncate ('T')";
            case MESSAGE: return "Message ('M')";
            case STREAM_START: return "Stream Start ('S')";
            case STREAM_STOP: return "Stream Stop ('E')";
            case STREAM_COMMIT: return "Stream Commit ('c')";
            case STREAM_ABORT: return "Stream Abort ('A')";
            case 0: return "empty";
            default:
                return type >= 0x20 && type < 0x7f
                        ? "unknown type '" + type + "'"
                        : String.format("unknown type 0x%02x", (int) type);
        }
    }
}

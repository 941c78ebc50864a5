package dev.pgcdc.decode.value;

import java.nio.ByteBuffer;

/**
 * Prints inet/cidr binary form (family, bits, is_cidr, length, address) as network_out does: IPv4 with all four
 * octets, IPv6 with the longest run of zero groups as {@code ::} and embedded IPv4 where PostgreSQL uses it; the
 * prefix length unless it covers the whole address (always for cidr).
 */
final class InetFormat {

    private static final int PGSQL_AF_INET = 2;

    private InetFormat() {
    }

    static String format(ByteBuffer b, boolean cidr) {
        int family = b.get();
        int bits = b.get() & 0xFF;
        b.get(); // is_cidr: the column type already tells
        byte[] address = new byte[b.get() & 0xFF];
        b.get(address);
        StringBuilder sb = new StringBuilder(48);
        int maxBits;
        if (family == PGSQL_AF_INET) {
            dotted(sb, address, 0);
            maxBits = 32;
        } else {
            ipv6(sb, address);
            maxBits = 128;
        }
        if (cidr || bits != maxBits) {
            sb.append('/').append(bits);
        }
        return sb.toString();
    }

    private static void dotted(StringBuilder sb, byte[] address, int from) {
        for (int i = from; i < from + 4; i++) {
            sb.append(i > from ? "." : "").append(address[i] & 0xFF);
        }
    }

    /** PostgreSQL's inet_net_ntop_ipv6 (BIND's algorithm). */
    private static void ipv6(StringBuilder sb, byte[] address) {
        int[] words = new int[8];
        for (int i = 0; i < 16; i++) {
            words[i / 2] |= (address[i] & 0xFF) << ((1 - i % 2) * 8);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0, curBase = -1, curLen = 0; i <= 8; i++) {
            if (i < 8 && words[i] == 0) {
                if (curBase == -1) {
                    curBase = i;
                    curLen = 0;
                }
                curLen++;
            } else if (curBase != -1) {
                if (bestBase == -1 || curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (bestBase != -1 && bestLen < 2) {
            bestBase = -1;
        }
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 7 && words[7] != 1)
                    || (bestLen == 5 && words[5] == 0xffff))) {
                dotted(sb, address, 12);
                return;
            }
            sb.append(Integer.toHexString(words[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            sb.append(':');
        }
    }
}

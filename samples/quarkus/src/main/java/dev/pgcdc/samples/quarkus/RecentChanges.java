package dev.pgcdc.samples.quarkus;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/** The latest change JSON documents, newest last (a stand-in for whatever the application does with them). */
@ApplicationScoped
public class RecentChanges {

    private static final int KEPT = 100;

    private final Deque<String> changes = new ArrayDeque<>();

    public synchronized void add(String json) {
        if (changes.size() == KEPT) {
            changes.removeFirst();
        }
        changes.addLast(json);
    }

    public synchronized List<String> list() {
        return List.copyOf(changes);
    }
}

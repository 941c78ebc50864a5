package dev.pgcdc.security;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything logged while it is open, messages and stack traces, with our own loggers (and any others named) at DEBUG:
 * tests check that no secret ever reaches a log.
 */
public final class LogCapture implements AutoCloseable {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final String OUR_LOGGERS = "dev.pgcdc";

    private final StringBuffer text = new StringBuffer();
    private final AbstractAppender appender;
    private final Map<String, Level> previousLevels = new LinkedHashMap<>();

    /** @param alsoAtDebug more loggers to set to DEBUG while open, e.g. Camel's own ({@code org.apache.camel}) */
    public LogCapture(String... alsoAtDebug) {
        appender = new AbstractAppender("capture-" + NAMES.incrementAndGet(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                text.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(": ")
                        .append(event.getMessage().getFormattedMessage()).append('\n');
                if (event.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(trace));
                    text.append(trace);
                }
            }
        };
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
        context.updateLoggers();
        for (String logger : Stream.concat(Stream.of(OUR_LOGGERS), Stream.of(alsoAtDebug)).toList()) {
            previousLevels.put(logger, LogManager.getLogger(logger).getLevel());
            Configurator.setLevel(logger, Level.DEBUG);
        }
    }

    public String text() {
        return text.toString();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        previousLevels.forEach(Configurator::setLevel);
        context.updateLoggers();
        appender.stop();
    }
}

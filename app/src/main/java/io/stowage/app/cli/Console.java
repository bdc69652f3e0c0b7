package io.stowage.app.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The process's streams and environment, passed in so tests can run commands in-process.
 * {@code out} prints to {@code stdout}, which keeps its write errors; commands that copy bytes
 * write to {@code stdout} directly so an error stops them.
 */
record Console(InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
    CheckedOutput stdout) {}

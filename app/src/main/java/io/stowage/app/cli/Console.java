package io.stowage.app.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/** The process's streams and environment, passed in so tests can run commands in-process. */
record Console(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {}

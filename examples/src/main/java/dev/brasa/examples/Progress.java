package dev.brasa.examples;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on long loops (me.tongfei:progressbar), drawn on stderr; off with -Dbrasa.progress=false. */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    Progress(String task, long total) {
        boolean on = !"false".equals(System.getProperty("brasa.progress"));
        bar = on ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).continuousUpdate().build() : null;
    }

    void step() {
        if (bar != null) bar.step();
    }

    void extra(String message) {
        if (bar != null) bar.setExtraMessage(message);
    }

    @Override public void close() {
        if (bar != null) bar.close();
    }
}

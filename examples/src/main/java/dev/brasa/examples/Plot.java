package dev.brasa.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** Loss and accuracy curves as one PNG (XChart): two charts side by side. */
final class Plot {
    private Plot() {}

    static void write(History h, String title, Path png) throws IOException {
        List<Integer> epochs = new ArrayList<>();
        for (int i = 1; i <= h.loss.size(); i++) epochs.add(i);
        XYChart loss = new XYChartBuilder().width(600).height(400).title(title + ": loss").xAxisTitle("epoch").yAxisTitle("loss").build();
        loss.addSeries("loss", epochs, h.loss);
        XYChart acc = new XYChartBuilder().width(600).height(400).title(title + ": accuracy").xAxisTitle("epoch").yAxisTitle("%").build();
        acc.addSeries("accuracy", epochs, h.acc);
        String base = png.toString().endsWith(".png") ? png.toString().substring(0, png.toString().length() - 4) : png.toString();
        BitmapEncoder.saveBitmap(List.of(loss, acc), 1, 2, base, BitmapEncoder.BitmapFormat.PNG);
    }
}

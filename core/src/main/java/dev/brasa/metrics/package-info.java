/** Classification metrics: accuracy, confusion matrix, classification report ({@link dev.brasa.metrics.Metrics}). */
package dev.brasa.metrics;

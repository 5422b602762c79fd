/** JMH benchmarks of the backends, and the report writer that turns a run into bench/results/. */
package dev.brasa.bench;

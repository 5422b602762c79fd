/** The {@code brasa} command line: the teaching programs and the demo. */
package dev.brasa.examples;

/** The consumer as a JPMS module: it needs only {@code requires dev.brasa}. */
module brasa.consumer {
    requires dev.brasa;
}

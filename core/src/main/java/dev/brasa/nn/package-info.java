/**
 * Neural-network building blocks ({@code torch.nn}): {@link dev.brasa.nn.Module} and
 * {@link dev.brasa.nn.Parameter}, layers as thin shells over {@link dev.brasa.nn.F}, losses, containers
 * ({@link dev.brasa.nn.Sequential}, {@link dev.brasa.nn.ModuleList}) and {@link dev.brasa.nn.Init}.
 *
 * <p>{@code Module} shares its simple name with {@code java.lang.Module}: import it by name
 * ({@code import dev.brasa.nn.Module;}); {@code import dev.brasa.nn.*;} alone leaves it ambiguous.
 */
package dev.brasa.nn;

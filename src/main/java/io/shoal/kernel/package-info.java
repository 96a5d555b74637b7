/**
 * The domain kernel: what every capability shares and nothing else. Prefixed ids ({@link
 * io.shoal.kernel.Ids}), the wire forms of times and money ({@link io.shoal.kernel.Wire}), opaque
 * list cursors and pages, and the one domain error type ({@link
 * io.shoal.kernel.DomainException}) that carries its HTTP status and code, which {@code
 * io.shoal.http} renders. It depends on no other Shoal package.
 */
package io.shoal.kernel;

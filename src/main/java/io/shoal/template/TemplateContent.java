package io.shoal.template;

import io.shoal.kernel.Channel;

/**
 * What a template says, per channel: email has {@code subject}, {@code html} and/or
 * {@code text}; SMS has {@code text}; push has {@code text} and an optional {@code title};
 * a direct-mail letter has {@code html}. Parts a channel does not use are null.
 */
public record TemplateContent(Channel channel, String subject, String html, String text, String title) {}

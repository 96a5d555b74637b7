package io.shoal.automation;

import io.vertx.core.Future;

/**
 * How automation rules check a send action's {@code template_id}: the channel of the store's
 * template, or null when the store has no such template. The templates package provides it.
 */
@FunctionalInterface
public interface TemplateChannels {

  Future<String> channelOf(String storeId, String templateId);
}

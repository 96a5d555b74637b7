package io.shoal.event;

import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST .../events} and {@code POST .../events/batch}. Both answer only once the events
 * are durable in the log. The contract's schema documents the body, but these two routes skip
 * the generic validator (it runs on a worker per request) and use {@link EventParser}.
 */
public final class EventApi {

  public static final int MAX_BATCH = 1000;

  private final EventIngestion ingestion;

  public EventApi(EventIngestion ingestion) {
    this.ingestion = ingestion;
  }

  public void mount(RouterBuilder rb) {
    rb.getRoute(ApiOperation.INGEST_EVENT.operationId()).setDoValidation(false);
    rb.getRoute(ApiOperation.INGEST_EVENT_BATCH.operationId()).setDoValidation(false);
    ApiOperation.INGEST_EVENT.mount(rb, ApiHandler.route(this::ingestOne));
    ApiOperation.INGEST_EVENT_BATCH.mount(rb, ApiHandler.route(this::ingestBatch));
  }

  private Future<Reply> ingestOne(ApiRequest req) {
    String storeId = req.storeId();
    EventParser.Parsed parsed = EventParser.parse(req.rawBody(), Instant.now(), "");
    return ingestion.ingest(storeId, List.of(parsed)).map(outcomes -> {
      EventIngestion.Outcome o = outcomes.get(0);
      if (o.error() != null) {
        throw o.error();
      }
      return Reply.accepted(o.toJson());
    });
  }

  private Future<Reply> ingestBatch(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject body = req.rawBody();
    for (String field : body.fieldNames()) {
      if (!field.equals("events")) {
        throw DomainException.invalid("parameter_unknown", "unknown field '" + field + "'; send {\"events\": [...]}", field);
      }
    }
    if (!(body.getValue("events") instanceof JsonArray events)) {
      throw DomainException.invalid("parameter_missing", "send {\"events\": [...]} with 1 to " + MAX_BATCH + " events", "events");
    }
    if (events.isEmpty() || events.size() > MAX_BATCH) {
      throw DomainException.invalidParam("events", "a batch holds 1 to " + MAX_BATCH + " events; got " + events.size());
    }
    Instant now = Instant.now();
    List<Object> parsed = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      try {
        parsed.add(EventParser.parse(events.getValue(i), now, "events[" + i + "]."));
      } catch (DomainException e) {
        parsed.add(e);
      }
    }
    return ingestion.ingest(storeId, parsed).map(outcomes -> {
      JsonArray results = new JsonArray();
      int accepted = 0;
      int duplicates = 0;
      int rejected = 0;
      for (int i = 0; i < outcomes.size(); i++) {
        EventIngestion.Outcome o = outcomes.get(i);
        results.add(o.toJson().put("index", i));
        if (o.error() != null) {
          rejected++;
        } else if (o.duplicate()) {
          duplicates++;
        } else {
          accepted++;
        }
      }
      return Reply.accepted(new JsonObject()
          .put("object", "event_batch")
          .put("accepted", accepted)
          .put("duplicates", duplicates)
          .put("rejected", rejected)
          .put("results", results));
    });
  }
}

package io.shoal.customer;

import io.shoal.kernel.DomainException;

/**
 * The orders a customer list can be sorted in. Each is a SQL expression with its own index
 * ({@code store_id, expr, id}); paging is keyset on (expr, id), so rows inserted meanwhile
 * never make a page skip or repeat a customer.
 */
enum CustomerSort {
  CREATED_AT("created_at", "created_at", "timestamptz"),
  LAST_ORDER_AT("last_order_at", "coalesce(last_order_at, '-infinity'::timestamptz)", "timestamptz"),
  TOTAL_SPENT("total_spent", "total_spent", "numeric"),
  TOTAL_ORDERS("total_orders", "total_orders", "int");

  final String param;
  final String expression;
  final String sqlType;

  CustomerSort(String param, String expression, String sqlType) {
    this.param = param;
    this.expression = expression;
    this.sqlType = sqlType;
  }

  static CustomerSort fromParam(String value) {
    if (value == null) {
      return CREATED_AT;
    }
    for (CustomerSort s : values()) {
      if (s.param.equals(value)) {
        return s;
      }
    }
    throw DomainException.invalidParam("sort",
        "sort must be one of created_at, last_order_at, total_spent, total_orders; got '" + value + "'");
  }
}

-- Each store's fitted customer-base models (io.shoal.metrics), the live one only: BG/NBD
-- (r, alpha, a, b) and Gamma-Gamma (p, q, gamma, null without enough repeat buyers), time in
-- weeks, with the instant the data ran to and what the fit saw. Backtests are answered, not kept.
CREATE TABLE metrics_models (
  store_id              text PRIMARY KEY REFERENCES stores(id) ON DELETE CASCADE,
  r                     double precision NOT NULL,
  alpha                 double precision NOT NULL,
  a                     double precision NOT NULL,
  b                     double precision NOT NULL,
  log_likelihood        double precision NOT NULL,
  p                     double precision,
  q                     double precision,
  gamma                 double precision,
  spend_log_likelihood  double precision,
  as_of                 timestamptz NOT NULL,
  customers             integer NOT NULL,
  repeat_customers      integer NOT NULL,
  fitted_at             timestamptz NOT NULL
);

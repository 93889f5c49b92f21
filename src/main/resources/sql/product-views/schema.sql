-- The daily reports of product-views; a report run replaces one report_date's rows of all three tables in one
-- transaction. Dates are UTC.
CREATE TABLE IF NOT EXISTS product_views_daily (
    product_id      TEXT        NOT NULL,
    view_count      BIGINT      NOT NULL,
    unique_visitors BIGINT      NOT NULL,   -- distinct device_id
    last_view_time  TIMESTAMPTZ NOT NULL,
    report_date     DATE        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (report_date, product_id)
);
CREATE TABLE IF NOT EXISTS country_views_daily (
    store_id        TEXT        NOT NULL,
    view_count      BIGINT      NOT NULL,
    unique_visitors BIGINT      NOT NULL,
    report_date     DATE        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (report_date, store_id)
);
CREATE TABLE IF NOT EXISTS referrer_views_daily (
    referrer_url    TEXT        NOT NULL,
    view_count      BIGINT      NOT NULL,
    report_date     DATE        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (report_date, referrer_url)
)

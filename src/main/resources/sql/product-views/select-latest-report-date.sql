-- The latest date reported, for GET /api/reports/product-views without ?date=.
SELECT max(report_date) FROM product_views_daily

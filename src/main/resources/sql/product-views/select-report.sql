-- The three tables of one report date, for GET /api/reports/product-views; most viewed first.
SELECT 'product' AS kind, product_id AS key, view_count, unique_visitors, last_view_time FROM product_views_daily WHERE report_date = ?::date
UNION ALL
SELECT 'store', store_id, view_count, unique_visitors, NULL FROM country_views_daily WHERE report_date = ?::date
UNION ALL
SELECT 'referrer', referrer_url, view_count, NULL, NULL FROM referrer_views_daily WHERE report_date = ?::date
ORDER BY 1, 3 DESC, 2

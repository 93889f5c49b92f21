INSERT INTO product_views_daily (product_id, view_count, unique_visitors, last_view_time, report_date)
VALUES (?, ?, ?, ?, ?::date)

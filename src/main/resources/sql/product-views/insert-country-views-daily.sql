INSERT INTO country_views_daily (store_id, view_count, unique_visitors, report_date) VALUES (?, ?, ?, ?::date)

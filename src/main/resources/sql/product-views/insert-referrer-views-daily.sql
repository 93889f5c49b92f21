INSERT INTO referrer_views_daily (referrer_url, view_count, report_date) VALUES (?, ?, ?::date)

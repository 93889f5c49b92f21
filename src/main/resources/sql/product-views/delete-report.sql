-- A report run replaces its date's rows: first they go, in the transaction that inserts the new ones.
DELETE FROM product_views_daily WHERE report_date = ?::date;
DELETE FROM country_views_daily WHERE report_date = ?::date;
DELETE FROM referrer_views_daily WHERE report_date = ?::date

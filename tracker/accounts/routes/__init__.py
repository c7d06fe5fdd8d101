"""The accounts web side: the log-in and password pages (`auth`) and the admin pages (`admin`)."""

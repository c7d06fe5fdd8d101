"""Public: the public's pages that belong to no one record — the home page, the open-data
page and its CSV downloads, and the site-wide feed of new actions taken. (Each pledge's and
roundtable's own public pages are their areas'; the JSON API is `tracker.api`.)"""

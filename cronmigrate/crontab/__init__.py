"""crontab"""

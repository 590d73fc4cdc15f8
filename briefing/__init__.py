"""briefing: a day's news articles → a short, sourced, topic-by-topic briefing."""

"""The tagDiv "Newspaper" theme, as the first mirror site uses it (:mod:`.site`)."""

"""The third mirror site: a Drupal 10 news site in the core Olivero theme (:mod:`.site`)."""

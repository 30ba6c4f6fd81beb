"""Topic resolver benchmark (issue 14): labelled phrases, the resolver draft, its evaluation."""

"""What customers say: the product problems behind the feedback, and how texts are composed."""

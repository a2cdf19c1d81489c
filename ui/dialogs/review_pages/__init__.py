"""The parts of the review wizard: the item's context, the decision form, the small dialogs."""

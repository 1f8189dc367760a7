"""The event stream: Segment messages generated from a world, in event-time order."""

# models/layers

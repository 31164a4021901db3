# preprocess

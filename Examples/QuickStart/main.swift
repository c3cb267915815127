import ShardTrain
print("QuickStart: under construction")

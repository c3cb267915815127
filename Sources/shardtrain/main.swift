print("shardtrain: under construction")

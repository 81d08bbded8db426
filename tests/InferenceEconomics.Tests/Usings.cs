global using InferenceEconomics;

global using InferenceEconomics.Common;
global using InferenceEconomics.Schema;

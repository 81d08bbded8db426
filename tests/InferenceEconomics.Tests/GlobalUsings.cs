global using InferenceEconomics.Common;
global using InferenceEconomics.Schema;
global using InferenceEconomics.Tests.TestSupport;

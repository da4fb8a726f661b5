package check

import "slices"

const (
	ibDistributionType   = "aws:imagebuilder/distributionConfiguration:DistributionConfiguration"
	ibImageType          = "aws:imagebuilder/image:Image"
	ibPipelineType       = "aws:imagebuilder/imagePipeline:ImagePipeline"
	ibRecipeType         = "aws:imagebuilder/imageRecipe:ImageRecipe"
	ibInfrastructureType = "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration"
	ibLifecycleType      = "aws:imagebuilder/lifecyclePolicy:LifecyclePolicy"
)

// imagebuilder classifies what Image Builder's models leave open; the limits are generated.
var imagebuilder = set{
	classes: slices.Concat(
		classify(ibImageType, Reference, "ARNs of the recipe and configurations", "imageRecipeArn", "distributionConfigurationArn", "infrastructureConfigurationArn"),
		classify(ibImageType, Boolean, "image flags", "enhancedImageMetadataEnabled", "imageTestsConfiguration.imageTestsEnabled"),
		classify(ibPipelineType, Reference, "ARNs of the recipe and configurations", "imageRecipeArn", "distributionConfigurationArn", "infrastructureConfigurationArn"),
		classify(ibPipelineType, Boolean, "pipeline flags", "enhancedImageMetadataEnabled", "imageTestsConfiguration.imageTestsEnabled"),
		classify(ibRecipeType, Reference, "ARNs of the components", "components[*].componentArn"),
		classify(ibRecipeType, Boolean, "volume flags", "blockDeviceMappings[*].ebs.deleteOnTermination", "blockDeviceMappings[*].ebs.encrypted"),
		classify(ibInfrastructureType, Reference, "ids of the subnet and security groups", "subnetId", "securityGroupIds[*]"),
		classify(ibInfrastructureType, Boolean, "terminate the build instance on failure", "terminateInstanceOnFailure"),
		classify(ibLifecycleType, Reference, "the lifecycle execution role's ARN", "executionRole"),
		classify(ibLifecycleType, Boolean, "what a deletion removes with the image", "policyDetails[*].action.includeResources.amis",
			"policyDetails[*].action.includeResources.snapshots", "policyDetails[*].action.includeResources.containers"),
	),
}
